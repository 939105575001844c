package io.clipline.camera;

import io.clipline.camera.internal.FrameImageWriter;
import io.clipline.schemas.FrameEncoding;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes frames of the {@link ProceduralSurfaces} simulator as a dataset folder that {@code
 * clipline eval} reads: {@code images/camN_SEQ.png}, a mask PNG per defective frame and a {@code
 * manifest.csv} ({@code path,label,class,mask_path}). Each camera looks at its own texture, so the
 * camera ({@code camN} in the path) is the natural scope.
 */
public final class SimulatedDataset {
  private SimulatedDataset() {}

  /**
   * Writes {@code framesPerCamera} frames of each of {@code cameras} cameras into {@code folder}
   * and returns the manifest's path.
   */
  public static Path write(Path folder, int cameras, int framesPerCamera, double defectRate,
      long seed) throws IOException {
    Files.createDirectories(folder.resolve("images"));
    Files.createDirectories(folder.resolve("masks"));
    ProceduralSurfaces source = new ProceduralSurfaces(
        new ProceduralSurfaces.Options(256, 256, false, FrameEncoding.PNG, defectRate, seed));
    Path manifest = folder.resolve("manifest.csv");
    try (BufferedWriter w = Files.newBufferedWriter(manifest)) {
      w.write("path,label,class,mask_path\n");
      for (int camera = 0; camera < cameras; camera++) {
        for (long seq = 0; seq < framesPerCamera; seq++) {
          SourceFrame frame = source.frameFor(camera, seq);
          String name = String.format(Locale.ROOT, "cam%d_%05d.png", camera, seq);
          Files.write(folder.resolve("images").resolve(name), frame.image());
          GroundTruth truth = frame.truth();
          String mask = "";
          if (truth.isDefective() && truth.mask().isPresent()) {
            DefectMask m = truth.mask().get();
            byte[] white = new byte[m.pixels().length]; // eval reads mask values > 127
            for (int i = 0; i < white.length; i++) {
              white[i] = m.pixels()[i] != 0 ? (byte) 255 : 0;
            }
            mask = "masks/" + name;
            Files.write(folder.resolve(mask), FrameImageWriter.encode(
                white, m.width(), m.height(), 1, FrameEncoding.PNG));
          }
          w.write("images/" + name + "," + (truth.isDefective() ? 1 : 0) + ","
              + (truth.isDefective() ? truth.defectType() : "good") + "," + mask + "\n");
        }
      }
    }
    return manifest;
  }
}
