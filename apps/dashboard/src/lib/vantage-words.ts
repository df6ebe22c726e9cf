/**
 * Why a vantage that sees many of its targets failing still votes. An operator reading "57 % of its probes failing"
 * beside "healthy, votes" asks whether Vigia missed the vantage's own network failing; the rule it is judged by
 * (libs/vantages, `judgeNetwork`) answers: only failures that other vantages contradict count against it.
 */
export function whyFailingStillVotes(v: { failingShare: number | null }, votes: boolean): string | null {
  if (!votes || v.failingShare === null || v.failingShare < 0.2) return null;
  return 'still votes: those targets fail from the other vantages too, or too few are probed to tell — a vantage is impaired for its own network only when most of what it probes fails from it while other vantages see the same targets up';
}
