import { rehearseChapter } from "../chapter-rehearsal";

rehearseChapter("troubleshooting");
