import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks a model folder made by clip_export.py / make_tiny_clip.py with the runtimes the worker
 * uses: ONNX Runtime (CPU) against reference.json (PyTorch outputs), a batch of one against a
 * batch of two (symbolic batch), DJL's HuggingFace tokenizer against the recorded token ids, and
 * image.fp16File, when there is one, against the float32 image tower with a loose tolerance.
 *
 * <p>A single-file program; run it with verify_model_folder.sh, which finds the jars in ~/.m2.
 */
public final class VerifyModelFolder {
  private static final double FP16_TOLERANCE = 0.01; // relative to the largest |value|

  private final Path folder;
  private final JsonObject manifest;
  private final JsonObject reference;
  private final double tolerance;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final List<String> failures = new ArrayList<>();

  private VerifyModelFolder(Path folder) throws IOException {
    this.folder = folder;
    this.manifest = read(folder.resolve("clipline-model.json"));
    this.reference = read(folder.resolve("reference.json"));
    this.tolerance = reference.get("tolerance").getAsDouble();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: VerifyModelFolder MODEL_FOLDER");
      System.exit(2);
    }
    VerifyModelFolder check = new VerifyModelFolder(Path.of(args[0]));
    check.image();
    check.text();
    if (!check.failures.isEmpty()) {
      System.out.println("FAILED:\n  " + String.join("\n  ", check.failures));
      System.exit(1);
    }
    System.out.println("OK " + args[0]);
  }

  private void image() throws OrtException {
    JsonObject image = manifest.getAsJsonObject("image");
    JsonObject ref = reference.getAsJsonObject("image");
    if (!"sin(0.001*i)".equals(ref.get("input").getAsString())) {
      throw new IllegalStateException("unknown reference input " + ref.get("input"));
    }
    long[] shape = longs(ref.getAsJsonArray("input_shape"));
    float[] input = new float[Math.toIntExact(shape[0] * shape[1] * shape[2] * shape[3])];
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) Math.sin(0.001 * i);
    }
    String inputName = image.get("input").getAsString();
    Map<String, float[]> outputs;
    try (OrtSession session = open(image.get("file").getAsString())) {
      describe(session);
      outputs = run(session, inputName, input, shape);
      compareToReference("image", outputs, ref.getAsJsonObject("outputs"));
      long[] single = shape.clone();
      single[0] = 1;
      Map<String, float[]> one =
          run(session, inputName, Arrays.copyOf(input, input.length / (int) shape[0]), single);
      for (var entry : one.entrySet()) {
        float[] batch = Arrays.copyOf(outputs.get(entry.getKey()), entry.getValue().length);
        report("image batch 1 vs 2: " + entry.getKey(), maxDiff(entry.getValue(), batch),
            tolerance);
      }
    }
    if (image.has("fp16File")) {
      try (OrtSession session = open(image.get("fp16File").getAsString())) {
        for (var entry : run(session, inputName, input, shape).entrySet()) {
          float[] full = outputs.get(entry.getKey());
          report("fp16 vs fp32: " + entry.getKey(), maxDiff(entry.getValue(), full),
              FP16_TOLERANCE * maxAbs(full));
        }
      } catch (OrtException e) {
        failures.add("fp16File does not run on the CPU provider: " + e.getMessage());
      }
    }
  }

  private void text() throws Exception {
    JsonObject text = manifest.getAsJsonObject("text");
    JsonObject ref = reference.getAsJsonObject("text");
    int length = text.get("contextLength").getAsInt();
    Path tokenizerFile = folder.resolve(text.get("tokenizer").getAsString());
    long padId =
        JsonParser.parseString(Files.readString(tokenizerFile))
            .getAsJsonObject().getAsJsonObject("padding").get("pad_id").getAsLong();
    JsonArray prompts = ref.getAsJsonArray("prompts");
    JsonArray expectedIds = ref.getAsJsonArray("input_ids");
    long[] ids = new long[prompts.size() * length];
    try (HuggingFaceTokenizer tokenizer =
            HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerFile)
                .optAddSpecialTokens(true)
                .optPadding(false)
                .optTruncation(false)
                .build()) {
      for (int p = 0; p < prompts.size(); p++) {
        String prompt = prompts.get(p).getAsString();
        long[] raw = tokenizer.encode(prompt).getIds();
        long[] fixed = Arrays.copyOf(raw, length);
        if (raw.length > length) {
          fixed[length - 1] = raw[raw.length - 1];
        } else {
          Arrays.fill(fixed, raw.length, length, padId);
        }
        long[] expected = longs(expectedIds.get(p).getAsJsonArray());
        if (!Arrays.equals(fixed, expected)) {
          failures.add("token ids of prompt " + p + ": DJL " + Arrays.toString(fixed)
              + ", reference " + Arrays.toString(expected));
        }
        System.out.printf("prompt %d: %d tokens, decoded '%s'%n", p, raw.length,
            tokenizer.decode(raw, true));
        System.arraycopy(fixed, 0, ids, p * length, length);
      }
    }
    try (OrtSession session = open(text.get("file").getAsString());
        OnnxTensor tensor =
            OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {prompts.size(), length});
        OrtSession.Result result = session.run(Map.of(text.get("input").getAsString(), tensor))) {
      describe(session);
      compareToReference("text", floats(result), ref.getAsJsonObject("outputs"));
    }
  }

  private OrtSession open(String file) throws OrtException {
    return env.createSession(folder.resolve(file).toString(), new OrtSession.SessionOptions());
  }

  private Map<String, float[]> run(OrtSession session, String name, float[] input, long[] shape)
      throws OrtException {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
        OrtSession.Result result = session.run(Map.of(name, tensor))) {
      return floats(result);
    }
  }

  private static Map<String, float[]> floats(OrtSession.Result result) {
    Map<String, float[]> outputs = new java.util.LinkedHashMap<>();
    for (var entry : result) {
      OnnxTensor tensor = (OnnxTensor) entry.getValue();
      FloatBuffer buffer = tensor.getFloatBuffer();
      float[] values = new float[buffer.remaining()];
      buffer.get(values);
      outputs.put(entry.getKey(), values);
    }
    return outputs;
  }

  private void compareToReference(String tower, Map<String, float[]> outputs, JsonObject ref) {
    for (String name : ref.keySet()) {
      JsonObject expected = ref.getAsJsonObject(name);
      float[] actual = outputs.get(name);
      if (actual == null) {
        failures.add(tower + ": no output " + name);
        continue;
      }
      double[] values = doubles(expected.getAsJsonArray("values"));
      double diff = 0; // absolute up to 1, relative above
      for (int i = 0; i < values.length; i++) {
        diff = Math.max(diff, Math.abs(actual[i] - values[i]) / Math.max(1, Math.abs(values[i])));
      }
      report(tower + " " + name + " first values", diff, tolerance);
      double sum = 0;
      double absSum = 0;
      for (float v : actual) {
        sum += v;
        absSum += Math.abs(v);
      }
      double refAbs = expected.get("abs_sum").getAsDouble();
      report(tower + " " + name + " sum (relative to abs_sum)",
          Math.abs(sum - expected.get("sum").getAsDouble()) / refAbs, tolerance);
      report(tower + " " + name + " abs_sum (relative)", Math.abs(absSum - refAbs) / refAbs,
          tolerance);
    }
  }

  private void report(String what, double diff, double limit) {
    System.out.printf("%-58s %.3g (limit %.3g)%n", what, diff, limit);
    if (!(diff <= limit)) {
      failures.add(what + ": " + diff + " > " + limit);
    }
  }

  private static void describe(OrtSession session) throws OrtException {
    for (var io : List.of(session.getInputInfo(), session.getOutputInfo())) {
      for (NodeInfo info : io.values()) {
        TensorInfo tensor = (TensorInfo) info.getInfo();
        System.out.println("  " + info.getName() + " " + tensor.type + " "
            + Arrays.toString(tensor.getShape()));
      }
    }
  }

  private static double maxDiff(float[] a, float[] b) {
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    return diff;
  }

  private static double maxAbs(float[] values) {
    double max = 0;
    for (float v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  private static JsonObject read(Path file) throws IOException {
    return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
  }

  private static long[] longs(JsonArray array) {
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).getAsLong();
    }
    return values;
  }

  private static double[] doubles(JsonArray array) {
    double[] values = new double[array.size()];
    int i = 0;
    for (JsonElement element : array) {
      values[i++] = element.getAsDouble();
    }
    return values;
  }
}
