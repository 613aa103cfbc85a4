-- AlterTable
ALTER TABLE "sponsor_ledger_record" ADD COLUMN     "proven_at" TIMESTAMPTZ(3);
