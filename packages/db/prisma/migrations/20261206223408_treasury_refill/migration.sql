-- CreateTable
CREATE TABLE "treasury_refill" (
    "id" BIGSERIAL NOT NULL,
    "day" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "amount_wei" DECIMAL(78,0) NOT NULL,
    "tx_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "treasury_refill_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "treasury_refill_day_idx" ON "treasury_refill"("day");
