/**
 * First in, first out, with O(1) take: `Array.prototype.shift` moves every item left, so a backlog of n ready probes
 * cost O(n²) to drain — on an overloaded watchdog or agent the scheduler's drain was the hottest Vigia function of
 * the profile. Items are read from a head index; the taken ones are cut off once they are most of the array.
 */
export class FifoQueue<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
