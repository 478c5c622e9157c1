// `exhunt notify` end to end on the embedded PGlite store (the scenario: notify-scenario.ts).
import { notifyScenario } from './notify-scenario.ts'

await notifyScenario('pglite')
