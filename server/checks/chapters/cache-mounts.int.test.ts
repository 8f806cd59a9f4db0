import { rehearseChapter } from "../chapter-rehearsal";

rehearseChapter("cache-mounts");
