import "server-only";

/**
 * The recent output of one terminal stream, numbered by byte offset, so a client that lost its connection can
 * say "I have everything up to offset N" and get exactly the rest.
 *
 * Memory is bounded: output is kept in blocks and the oldest whole blocks are dropped once the total passes the
 * limit. Dropping whole blocks keeps trimming O(1) with no copying; small chunks (keystroke echoes) are merged
 * into the newest block so the block count stays small.
 */
export class ReplayBuffer {
  private blocks: Uint8Array[] = [];
  private size = 0;
  private startSeq = 0;

  constructor(
    readonly limitBytes: number,
    private readonly blockBytes = 16 * 1024,
  ) {}

  /** Offset of the oldest byte still held. */
  get start(): number {
    return this.startSeq;
  }

  /** Offset just past the newest byte: the stream's length so far. */
  get end(): number {
    return this.startSeq + this.size;
  }

  get heldBytes(): number {
    return this.size;
  }

  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const last = this.blocks.at(-1);
    if (last && last.length + chunk.length <= this.blockBytes) {
      const merged = new Uint8Array(last.length + chunk.length);
      merged.set(last, 0);
      merged.set(chunk, last.length);
      this.blocks[this.blocks.length - 1] = merged;
    } else {
      this.blocks.push(chunk.slice());
    }
    this.size += chunk.length;
    // Always keep the newest block, even when it alone is over the limit.
    while (this.blocks.length > 1 && this.size > this.limitBytes) {
      const dropped = this.blocks.shift()!;
      this.size -= dropped.length;
      this.startSeq += dropped.length;
    }
  }

  /** Everything from offset `seq` to the end, or null when `seq` is no longer (or not yet) held. */
  since(seq: number): Uint8Array[] | null {
    if (seq < this.startSeq || seq > this.end) return null;
    const out: Uint8Array[] = [];
    let offset = this.startSeq;
    for (const block of this.blocks) {
      const blockEnd = offset + block.length;
      if (blockEnd > seq) out.push(seq > offset ? block.subarray(seq - offset) : block);
      offset = blockEnd;
    }
    return out;
  }
}
