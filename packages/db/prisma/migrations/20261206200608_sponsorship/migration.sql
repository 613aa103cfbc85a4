-- CreateEnum
CREATE TYPE "sponsorship_state" AS ENUM ('reserved', 'sent', 'settled', 'released');

-- CreateTable
CREATE TABLE "sponsorship" (
    "digest" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "user_address" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "to_address" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "gas_limit" DECIMAL(78,0) NOT NULL,
    "max_fee_per_gas" DECIMAL(78,0) NOT NULL,
    "reserved_wei" DECIMAL(78,0) NOT NULL,
    "charged_wei" DECIMAL(78,0),
    "state" "sponsorship_state" NOT NULL DEFAULT 'reserved',
    "deadline" BIGINT NOT NULL,
    "period_start" BIGINT NOT NULL,
    "accepted_at" BIGINT NOT NULL,
    "tx_hash" TEXT,
    "succeeded" BOOLEAN,

    CONSTRAINT "sponsorship_pkey" PRIMARY KEY ("digest")
);

-- CreateIndex
CREATE INDEX "sponsorship_tenant_period_start_idx" ON "sponsorship"("tenant", "period_start");

-- CreateIndex
CREATE INDEX "sponsorship_state_deadline_idx" ON "sponsorship"("state", "deadline");
