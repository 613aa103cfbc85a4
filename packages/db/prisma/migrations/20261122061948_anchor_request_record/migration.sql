-- AlterEnum
BEGIN;
CREATE TYPE "anchor_request_state_new" AS ENUM ('pending', 'submitted', 'mined', 'confirmed', 'finalized', 'failed');
ALTER TABLE "public"."anchor_request" ALTER COLUMN "state" DROP DEFAULT;
ALTER TABLE "anchor_request" ALTER COLUMN "state" TYPE "anchor_request_state_new" USING ("state"::text::"anchor_request_state_new");
ALTER TYPE "anchor_request_state" RENAME TO "anchor_request_state_old";
ALTER TYPE "anchor_request_state_new" RENAME TO "anchor_request_state";
DROP TYPE "public"."anchor_request_state_old";
ALTER TABLE "anchor_request" ALTER COLUMN "state" SET DEFAULT 'pending';
COMMIT;

-- AlterTable
ALTER TABLE "anchor_request" DROP CONSTRAINT "anchor_request_pkey",
DROP COLUMN "chain_id",
DROP COLUMN "fee_paid",
DROP COLUMN "fees",
DROP COLUMN "platform",
ADD COLUMN     "adopted" BOOLEAN,
ADD COLUMN     "block_hash" TEXT,
ADD COLUMN     "block_number" BIGINT,
ADD COLUMN     "block_time" TIMESTAMPTZ(3),
ADD COLUMN     "confirmations" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failure" JSONB,
ADD COLUMN     "log_index" INTEGER,
ADD COLUMN     "root" TEXT NOT NULL,
ADD COLUMN     "version" INTEGER NOT NULL,
DROP COLUMN "chain",
ADD COLUMN     "chain" TEXT NOT NULL,
ALTER COLUMN "state" SET DEFAULT 'pending',
DROP COLUMN "attempts",
ADD COLUMN     "attempts" JSONB NOT NULL DEFAULT '[]',
DROP COLUMN "last_error",
ADD COLUMN     "last_error" JSONB,
ALTER COLUMN "created_at" DROP DEFAULT,
ALTER COLUMN "updated_at" DROP DEFAULT,
ADD CONSTRAINT "anchor_request_pkey" PRIMARY KEY ("chain", "sequence");
