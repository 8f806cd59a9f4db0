import { rehearseChapter } from "../chapter-rehearsal";

rehearseChapter("layers");
