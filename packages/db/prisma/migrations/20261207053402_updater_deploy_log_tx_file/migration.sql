-- CreateTable
CREATE TABLE "updater_deploy_log_tx_file" (
    "seq" INTEGER NOT NULL,
    "cid" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "state_after" TEXT NOT NULL,
    "submitted_at" TIMESTAMPTZ(3),

    CONSTRAINT "updater_deploy_log_tx_file_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "updater_deploy_log_tx_file_cid_key" ON "updater_deploy_log_tx_file"("cid");

-- AddForeignKey
ALTER TABLE "updater_deploy_log_tx_file" ADD CONSTRAINT "updater_deploy_log_tx_file_seq_fkey" FOREIGN KEY ("seq") REFERENCES "updater_deploy_log"("seq") ON DELETE RESTRICT ON UPDATE CASCADE;
