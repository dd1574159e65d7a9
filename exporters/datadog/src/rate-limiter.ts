/**
 * Token bucket allowing `perSecond` decisions per second (dd-trace's `DD_TRACE_RATE_LIMIT`), and the effective
 * rate it let through, reported as `_dd.limit_psr`.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private allowedThisWindow = 0;
  private seenThisWindow = 0;
  private windowStart: number;
  private previousRate = 1;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = perSecond;
    this.last = now();
    this.windowStart = this.last;
  }

  isAllowed(): boolean {
    if (this.perSecond < 0 || !Number.isFinite(this.perSecond)) return true;
    const now = this.now();
    if (now - this.windowStart >= 1000) {
      this.previousRate = this.seenThisWindow === 0 ? 1 : this.allowedThisWindow / this.seenThisWindow;
      this.windowStart = now;
      this.allowedThisWindow = 0;
      this.seenThisWindow = 0;
    }
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    this.seenThisWindow++;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.allowedThisWindow++;
      return true;
    }
    return false;
  }

  /** Share of decisions allowed, averaged over the current and previous second. */
  effectiveRate(): number {
    const current = this.seenThisWindow === 0 ? 1 : this.allowedThisWindow / this.seenThisWindow;
    return (current + this.previousRate) / 2;
  }
}
