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
 *       io.clipline.worker.internal.TransactionalWriter} (with {@link
 *       io.clipline.worker.internal.DeadLetterLog}), {@link
 *       io.clipline.worker.internal.ScorerStateKeeper} (with {@link
 *       io.clipline.worker.internal.ScorerStateReader} and {@link
 *       io.clipline.worker.internal.ScorerSnapshots}).
 *   <li>Settings and names: {@link io.clipline.worker.internal.ClientConfigs}, {@link
 *       io.clipline.worker.internal.WorkerThreads}.
 * </ul>
 *
 * <h2>Exactly once: the invariants</h2>
 *
 * <p>With {@code exactly.once}, the parts keep these, each tested where named:
 *
 * <ol>
 *   <li><b>Nothing past a rewind point is judged before it is consumed again.</b> When a
 *       transaction aborts (say its offset commit was fenced because the group moved on), the
 *       scoring thread fences its partitions in {@link
 *       io.clipline.worker.internal.InFlightFrames} before it takes another batch: their waiting
 *       frames are dropped, frames already in batches (one the model stage holds included) turn
 *       stale and are dropped unjudged by the {@link io.clipline.worker.internal.ScoringLoop},
 *       and frames the consumer fetched before its seek are refused; the consumer thread seeks
 *       back and only then lifts the fence ({@code RewindAfterAbortTest}, {@code
 *       InFlightFramesTest}, {@code TransactionalWriterTest}, {@code
 *       RebalanceIntegrationTest}).
 *   <li><b>Offsets commit only with a consistent generation.</b> The group metadata of {@code
 *       sendOffsetsToTransaction} is the consumer's as of its latest poll or rebalance callback,
 *       so it is at least as new as the poll of every frame committed; a frame whose partition
 *       was lost since is stale and its transaction aborts instead of committing; a revocation
 *       waits for the pass in progress, which commits with the revocation's generation; if the
 *       group moved on after all, the broker fences the commit and invariant 1 rewinds it
 *       ({@code FramePartitionsListenerTest}, {@code TransactionalWriterTest}).
 *   <li><b>One committed verdict or dead letter per frame offset, in offset order.</b> Follows
 *       from 1 and 2: a partition's committed offsets and records only move forward, so a
 *       camera's committed verdicts (one camera per partition key) never go backwards ({@code
 *       RewindAfterAbortTest}, {@code WorkerIntegrationTest}).
 *   <li><b>Committed outputs reach the {@link io.clipline.worker.WorkerListener} once.</b>
 *       Verdicts and dead letters are reported after their transaction committed, never for an
 *       aborted one ({@code TransactionalWriterTest}).
 *   <li><b>A scope never learns a frame twice.</b> Scoring a frame teaches its scope (the memory
 *       admits it, the frame counter moves on), so a frame of an aborted transaction that is
 *       consumed again is not scored again: {@link BatchJudge} answers it with the result kept
 *       in {@link UncommittedResults} (the same verdict as the aborted one), and only frames
 *       never judged are scored. Results leave when their transaction commits or their partition
 *       goes; a partition scored elsewhere next starts from the scope snapshot committed with its
 *       offsets, which holds only committed frames ({@code RewindAfterAbortTest}, {@code
 *       UncommittedResultsTest}).
 * </ol>
 */
package io.clipline.worker.internal;
