import { describe, expect, it } from 'vitest';
import { whyFailingStillVotes } from './vantage-words.js';

describe('whyFailingStillVotes', () => {
  it('explains a voting vantage with a fifth or more of its probes failing, and nothing else', () => {
    expect(whyFailingStillVotes({ failingShare: 0.57 }, true)).toMatch(/^still votes: those targets fail from the other vantages too.*other vantages see the same targets up$/);
    expect(whyFailingStillVotes({ failingShare: 0.2 }, true)).not.toBeNull();
    // A few failures need no explanation; an impaired or unconnected vantage does not vote, and its line says why.
    expect(whyFailingStillVotes({ failingShare: 0.19 }, true)).toBeNull();
    expect(whyFailingStillVotes({ failingShare: null }, true)).toBeNull();
    expect(whyFailingStillVotes({ failingShare: 0.9 }, false)).toBeNull();
  });
});
