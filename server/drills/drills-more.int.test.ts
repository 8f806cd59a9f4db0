import { loadDrills } from "../content/drills";
import { rehearseDrills } from "./drill-rehearsal.test-support";

// vitest collects tests synchronously, so the drills are read before any suite is declared.
// Drills 16 and later; drills.int.test.ts plays 01-15, so the two files share the suite's time.
const drills = (await loadDrills()).filter((d) => d.order >= 16);

rehearseDrills("drills 16-25, every value of every variable", drills);
