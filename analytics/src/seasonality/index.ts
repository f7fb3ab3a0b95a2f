export { detectSeasonality, calendarCandidates, periodsForSeason, STEP_INDEX_CANDIDATES } from './detect.ts';
export type { SeasonalityResult } from './detect.ts';
export { seasonalityTest, classicalSeasonalIndices, SEASONALITY_TEST_Z } from './classical.ts';
export type { DecompositionKind } from './classical.ts';
