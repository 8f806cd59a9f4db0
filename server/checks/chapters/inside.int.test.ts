import { rehearseChapter } from "../chapter-rehearsal";

rehearseChapter("inside");
