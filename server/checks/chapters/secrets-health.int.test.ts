import { rehearseChapter } from "../chapter-rehearsal.test-support";

rehearseChapter("secrets-health");
