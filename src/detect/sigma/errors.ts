// Two ways a rule fails to compile: it is wrong (a broken rule, reported as a content error), or it uses
// a construct this engine does not implement (a skipped rule, listed with the reason).

/** The rule is malformed: an unknown identifier, a modifier on the wrong value, a bad regex. */
export class SigmaRuleError extends Error {}

/** Valid Sigma this engine does not run (aggregations, `near`, correlation rules, `expand`). */
export class SigmaUnsupported extends Error {}
