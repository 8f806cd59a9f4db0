import { rehearseChapter } from "../chapter-rehearsal";

rehearseChapter("multi-arch");
