-- AlterTable
ALTER TABLE "relay_receipt" ADD COLUMN     "tenant_id" TEXT;

-- AlterTable
ALTER TABLE "tenant" ADD COLUMN     "plan" TEXT NOT NULL DEFAULT 'free',
ADD COLUMN     "quota_overrides" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "tenant_rate_bucket" (
    "tenant_id" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenant_rate_bucket_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "tenant_day_bytes" (
    "tenant_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "granted" BIGINT NOT NULL,

    CONSTRAINT "tenant_day_bytes_pkey" PRIMARY KEY ("tenant_id","day")
);

-- CreateTable
CREATE TABLE "tenant_stream_lease" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "replica" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenant_stream_lease_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_usage_day" (
    "tenant_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "files" BIGINT NOT NULL DEFAULT 0,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "deliveries" BIGINT NOT NULL DEFAULT 0,
    "streams" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "tenant_usage_day_pkey" PRIMARY KEY ("tenant_id","day")
);

-- CreateIndex
CREATE INDEX "tenant_stream_lease_tenant_id_expires_at_idx" ON "tenant_stream_lease"("tenant_id", "expires_at");

-- CreateIndex
CREATE INDEX "relay_receipt_tenant_id_accepted_at_idx" ON "relay_receipt"("tenant_id", "accepted_at");
