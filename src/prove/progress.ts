/** A one-line progress bar on stderr: done/total, rate and time left. Silent when not a TTY unless forced. */
export class ProgressBar {
  private readonly t0 = performance.now();
  private done = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    enabled = process.stderr.isTTY ?? false,
  ) {
    this.enabled = enabled;
    this.render();
  }

  tick(n = 1): void {
    this.done += n;
    this.render();
  }

  private render(): void {
    if (!this.enabled) return;
    const secs = (performance.now() - this.t0) / 1000;
    const rate = this.done / Math.max(secs, 1e-9);
    const left = this.done ? (this.total - this.done) / rate : Number.NaN;
    const width = 24;
    const fill = Math.round((width * this.done) / Math.max(this.total, 1));
    const bar = `${"=".repeat(fill)}${fill < width ? ">" : ""}${" ".repeat(Math.max(0, width - fill - 1))}`;
    const eta = Number.isFinite(left) ? `${left.toFixed(0)} s left` : "…";
    process.stderr.write(
      `\r${this.label} [${bar}] ${this.done}/${this.total} proofs  ${rate.toFixed(2)}/s  ${eta}   ${this.done === this.total ? "\n" : ""}`,
    );
  }
}
