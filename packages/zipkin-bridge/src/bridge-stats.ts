/** Counters since the bridge was created. */
export interface ZipkinBridgeStats {
  /** POSTs answered 202 */
  requestsAccepted: number;
  /** POSTs answered 4xx (undecodable, too large, wrong route or method) */
  requestsRejected: number;
  /** spans decoded and handed to the exporters */
  spansReceived: number;
  /** individually invalid spans dropped from otherwise good batches */
  spansDropped: number;
  /** spans repaired on the way in (upper-case ids, fractional times…) */
  spansRepaired: number;
  /** shared server spans given their own id (spec §4.4) */
  sharedSpansRewritten: number;
  /** spans refused with 503 because `maxPendingSpans` spans were still being exported */
  spansRejectedBusy: number;
  /** exporter calls that reported FAILED */
  exportFailures: number;
  /** late fragments (spans without a timestamp) merged into their complete span before export (spec §4.5) */
  lateFragmentsMerged: number;
  /** late fragments whose complete span had already been exported: exported at once with its identity and timing */
  lateFragmentsAfterExport: number;
  /** late fragments exported on their own: nothing matched within the window, or the buffer was flushed */
  lateFragmentsUnmatched: number;
  /** spans held because they may be children of a shared server span not seen yet (spec §4.4) */
  childSpansHeld: number;
  /** held spans released because their parent arrived (and re-parented if it was a shared server) */
  childSpansReleased: number;
  /** buffered spans (late fragments or held children) exported before their window ended because a cap was hit */
  bufferOverflows: number;
}

export function emptyBridgeStats(): ZipkinBridgeStats {
  return { requestsAccepted: 0, requestsRejected: 0, spansReceived: 0, spansDropped: 0, spansRepaired: 0, sharedSpansRewritten: 0, spansRejectedBusy: 0, exportFailures: 0,
    lateFragmentsMerged: 0, lateFragmentsAfterExport: 0, lateFragmentsUnmatched: 0, childSpansHeld: 0, childSpansReleased: 0, bufferOverflows: 0 };
}
