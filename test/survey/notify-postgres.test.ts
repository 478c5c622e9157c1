// `exhunt notify` end to end on PostgreSQL at 127.0.0.1:5432 (skips with a message when none answers).
import { notifyScenario } from './notify-scenario.ts'

await notifyScenario('postgres')
