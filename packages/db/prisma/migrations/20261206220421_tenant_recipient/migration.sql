-- CreateTable
CREATE TABLE "tenant_recipient" (
    "tenant_id" TEXT NOT NULL,
    "recipient_hash" TEXT NOT NULL,
    "sent_at" TIMESTAMPTZ(3),
    "registered_at" TIMESTAMPTZ(3),

    CONSTRAINT "tenant_recipient_pkey" PRIMARY KEY ("tenant_id","recipient_hash")
);

-- AddForeignKey
ALTER TABLE "tenant_recipient" ADD CONSTRAINT "tenant_recipient_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
