import { rehearseChapter } from "../chapter-rehearsal";

rehearseChapter("registry");
