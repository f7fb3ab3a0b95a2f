export { detectSeasonality, calendarCandidates, STEP_INDEX_CANDIDATES } from './detect.ts';
export type { SeasonalityResult } from './detect.ts';
