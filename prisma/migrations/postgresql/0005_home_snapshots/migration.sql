CREATE TABLE "HomeSnapshot" (
    "learnerId" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "kilobytes" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "HomeSnapshot_pkey" PRIMARY KEY ("learnerId"),
    CONSTRAINT "HomeSnapshot_learnerId_fkey" FOREIGN KEY ("learnerId") REFERENCES "Learner" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
