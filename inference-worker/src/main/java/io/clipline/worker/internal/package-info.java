/**
 * The parts {@link io.clipline.worker.InferenceWorker} wires, one job each, named after the
 * thread they run on or the step of a frame's path they take; not a public API and may change
 * without notice. See {@code docs/ARCHITECTURE.md} for the path of one frame through them.
 *
 * <ul>
 *   <li>Consumer thread: {@link io.clipline.worker.internal.ConsumerLoop}, {@link
 *       io.clipline.worker.internal.FramePartitionsListener}, {@link
 *       io.clipline.worker.internal.LabelFeed}.
 *   <li>Decode pool: {@link io.clipline.worker.internal.FrameIntake} (with {@link
 *       io.clipline.worker.internal.ClaimCheckFetcher}).
 *   <li>Between threads: {@link io.clipline.worker.internal.InFlightFrames} (over {@link
 *       io.clipline.worker.internal.FrameBatcher}), {@link
 *       io.clipline.worker.internal.LabelInbox}, {@link
 *       io.clipline.worker.internal.ConsumerTasks}, {@link
 *       io.clipline.worker.internal.ScoringPassLock}.
 *   <li>Model thread: {@link io.clipline.worker.internal.ModelStage}.
 *   <li>Scoring thread: {@link io.clipline.worker.internal.ScoringLoop}, {@link
 *       io.clipline.worker.internal.BatchJudge}, {@link
 *       io.clipline.worker.internal.OutputRecords} (with {@link
 *       io.clipline.worker.internal.VerdictRecords} and {@link
 *       io.clipline.worker.internal.DeadLetters}), {@link
 *       io.clipline.worker.internal.TransactionalWriter}, {@link
 *       io.clipline.worker.internal.ScorerStateKeeper} (with {@link
 *       io.clipline.worker.internal.ScorerStateReader} and {@link
 *       io.clipline.worker.internal.ScorerSnapshots}).
 *   <li>Settings and names: {@link io.clipline.worker.internal.ClientConfigs}, {@link
 *       io.clipline.worker.internal.WorkerThreads}.
 * </ul>
 */
package io.clipline.worker.internal;
