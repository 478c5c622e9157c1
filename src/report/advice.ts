// The steps a renderer shows: those the report stored when it was made (analysis/advice.ts fills them);
// a report written before reports stored advice (`exhunt.hunt/1`) gets them filled here. Pure.
import { nextSteps } from '../analysis/advice.ts'
import type { Advice } from '../shared/advice.ts'
import type { HuntReport } from '../shared/types.ts'

export { nextSteps } from '../analysis/advice.ts'
export type { Advice, VerdictAdvice } from '../shared/advice.ts'

export function reportSteps(report: HuntReport, advice?: Advice): string[] {
  const stored = (report as Partial<HuntReport>).advice
  return stored && stored.steps.length > 0 ? stored.steps : nextSteps(report, advice)
}
