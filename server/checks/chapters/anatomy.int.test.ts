import { rehearseChapter } from "../chapter-rehearsal";

rehearseChapter("anatomy");
