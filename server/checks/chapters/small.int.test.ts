import { rehearseChapter } from "../chapter-rehearsal";

rehearseChapter("small");
