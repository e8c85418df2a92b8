/** Moved to test/fakes/clock.ts (the fakes of the ports live in test/fakes/); kept for existing imports. */
export { FakeClock, settle } from '../fakes/clock.js';
