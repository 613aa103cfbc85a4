-- CreateTable
CREATE TABLE "peer" (
    "name" TEXT NOT NULL,
    "trust_roots" JSONB NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "peer_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "peer_cursor" (
    "peer" TEXT NOT NULL,
    "chain" "chain_kind" NOT NULL,
    "chain_id" TEXT NOT NULL,
    "last_block" BIGINT NOT NULL,
    "last_block_hash" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "peer_cursor_pkey" PRIMARY KEY ("peer","chain","chain_id")
);

-- CreateTable
CREATE TABLE "peer_batch" (
    "batch_cid" TEXT NOT NULL,
    "peer" TEXT NOT NULL,
    "chain" "chain_kind" NOT NULL,
    "chain_id" TEXT NOT NULL,
    "position" BIGSERIAL NOT NULL,

    CONSTRAINT "peer_batch_pkey" PRIMARY KEY ("batch_cid")
);

-- CreateTable
CREATE TABLE "peer_delivery_cursor" (
    "peer" TEXT NOT NULL,
    "chain" "chain_kind" NOT NULL,
    "chain_id" TEXT NOT NULL,
    "position" BIGINT NOT NULL,
    "entry" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "peer_delivery_cursor_pkey" PRIMARY KEY ("peer","chain","chain_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "peer_batch_position_key" ON "peer_batch"("position");

-- CreateIndex
CREATE INDEX "peer_batch_peer_chain_chain_id_position_idx" ON "peer_batch"("peer", "chain", "chain_id", "position");

-- CreateIndex
CREATE INDEX "tenant_recipient_recipient_hash_idx" ON "tenant_recipient"("recipient_hash");

-- AddForeignKey
ALTER TABLE "peer_cursor" ADD CONSTRAINT "peer_cursor_peer_fkey" FOREIGN KEY ("peer") REFERENCES "peer"("name") ON DELETE CASCADE ON UPDATE CASCADE;
