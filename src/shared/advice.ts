// "What to do next" per verdict, as content/advice/next-steps.yml holds it (parsed in content/advice.ts,
// filled in by report/advice.ts). Here because both sides read it.
import type { Category, Verdict } from './types.ts'

export interface VerdictAdvice {
  steps: string[]
  categories?: Partial<Record<Category, string[]>>
}

export type Advice = Partial<Record<Verdict, VerdictAdvice>>
