// Dawn (the `webgpu` package) writes its warnings straight to the process's stderr from native
// code, e.g. on Mesa's lavapipe at every start:
//   Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 …
// They say nothing to a cugan user, and JavaScript cannot intercept a native write, so the
// launcher runs the command in a child process and passes its stderr through this filter.
// CUGAN_DEBUG=1 keeps them.

const PREFIX = 'Warning: ';

/** Drops Dawn's `Warning: …` lines from a stream of text; everything else passes at once. */
export class DawnWarningFilter {
  /** A partial line that may still turn out to be a Dawn warning. */
  private held = '';
  /** Whether the next character starts a line. */
  private atLineStart = true;

  constructor(private readonly write: (text: string) => void) {}

  push(chunk: string): void {
    let text = this.held + chunk;
    this.held = '';
    let out = '';
    while (text.length > 0) {
      const nl = text.indexOf('\n');
      const piece = nl < 0 ? text : text.slice(0, nl + 1);
      text = nl < 0 ? '' : text.slice(nl + 1);
      const startsLine = this.atLineStart;
      this.atLineStart = nl >= 0;
      if (!startsLine) {
        out += piece; // the rest of a line already passed on (a progress line, say)
      } else if (nl < 0) {
        // An unfinished line: hold it while it can still become "Warning: …".
        if (PREFIX.startsWith(piece) || piece.startsWith(PREFIX)) {
          this.held = piece;
          this.atLineStart = true;
        } else {
          out += piece;
        }
      } else if (!piece.startsWith(PREFIX)) {
        out += piece;
      }
    }
    if (out) this.write(out);
  }

  /** The stream ended: a held partial line that is no warning is passed on. */
  end(): void {
    if (this.held && !this.held.startsWith(PREFIX)) this.write(this.held);
    this.held = '';
  }
}
