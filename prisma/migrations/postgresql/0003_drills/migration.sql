CREATE TABLE "DrillAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "learnerId" TEXT NOT NULL,
    "drillId" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "workshopId" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "hintsOpened" INTEGER NOT NULL DEFAULT 0,
    "gaveUp" BOOLEAN NOT NULL DEFAULT false,
    "passed" BOOLEAN NOT NULL DEFAULT false,
    "score" INTEGER NOT NULL DEFAULT 0,
    "timeMs" INTEGER,
    "checkRuns" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "DrillAttempt_learnerId_fkey" FOREIGN KEY ("learnerId") REFERENCES "Learner" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "DrillAttempt_learnerId_drillId_idx" ON "DrillAttempt"("learnerId", "drillId");
CREATE INDEX "DrillAttempt_drillId_passed_idx" ON "DrillAttempt"("drillId", "passed");
CREATE INDEX "DrillAttempt_workshopId_idx" ON "DrillAttempt"("workshopId");

CREATE TABLE "WorkshopDrillBoard" (
    "workshopId" TEXT NOT NULL PRIMARY KEY,
    "visible" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
