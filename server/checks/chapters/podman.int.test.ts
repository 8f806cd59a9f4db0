import { rehearseChapter } from "../chapter-rehearsal.test-support";

rehearseChapter("podman");
