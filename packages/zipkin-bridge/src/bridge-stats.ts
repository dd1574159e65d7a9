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
}

export function emptyBridgeStats(): ZipkinBridgeStats {
  return { requestsAccepted: 0, requestsRejected: 0, spansReceived: 0, spansDropped: 0, spansRepaired: 0, sharedSpansRewritten: 0, spansRejectedBusy: 0, exportFailures: 0 };
}
