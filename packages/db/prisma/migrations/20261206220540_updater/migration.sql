-- CreateTable
CREATE TABLE "updater_cursor" (
    "id" TEXT NOT NULL,
    "block" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,

    CONSTRAINT "updater_cursor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "updater_proposal" (
    "proposal_id" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "record" JSONB NOT NULL,
    "seen_order" BIGSERIAL NOT NULL,

    CONSTRAINT "updater_proposal_pkey" PRIMARY KEY ("proposal_id")
);

-- CreateTable
CREATE TABLE "updater_deploy_log" (
    "seq" INTEGER NOT NULL,
    "proposal_id" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "code" TEXT,
    "detail" JSONB NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "updater_deploy_log_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "updater_proposal_seen_order_key" ON "updater_proposal"("seen_order");

-- CreateIndex
CREATE INDEX "updater_proposal_phase_idx" ON "updater_proposal"("phase");

-- CreateIndex
CREATE UNIQUE INDEX "updater_deploy_log_hash_key" ON "updater_deploy_log"("hash");

-- CreateIndex
CREATE INDEX "updater_deploy_log_proposal_id_idx" ON "updater_deploy_log"("proposal_id");
