/**
 * A group's cross-review (`review_by`): once every member has ended (checks included), one more
 * coder, of the `review_by` provider and with the reviewer role, gets each member's diff and check
 * output and gives its verdict. Recorded on the group; a suggestion only (pick stays with the user).
 */

import type { GroupReviewRecord } from '../protocol/records.js';

/**
 * waiting: members still working; running: the reviewer coder was made and works; done: it ended
 * and its answer is recorded; failed: it could not be made, or it ended without completing.
 * choice: the member its VERDICT line names (or null); verdict: that line; reasons: its final answer
 * (at most 2,000 characters); error: why it failed.
 */
export type GroupReview = GroupReviewRecord;
export type ReviewState = GroupReview['state'];

export function newReview(provider: string, now: string): GroupReview {
  return {
    provider,
    state: 'waiting',
    coder_id: null,
    choice: null,
    verdict: null,
    reasons: null,
    error: null,
    updated_at: now,
  };
}
