-- AlterTable
ALTER TABLE "batch" ADD COLUMN     "tree_level" INTEGER;

-- CreateTable
CREATE TABLE "batch_tree_node" (
    "batch_cid" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "batch_tree_node_pkey" PRIMARY KEY ("batch_cid","level","index")
);

-- AddForeignKey
ALTER TABLE "batch_tree_node" ADD CONSTRAINT "batch_tree_node_batch_cid_fkey" FOREIGN KEY ("batch_cid") REFERENCES "batch"("cid") ON DELETE CASCADE ON UPDATE CASCADE;
