import "dotenv/config";
import dataSource from "../../ormconfig";

async function main(): Promise<void> {
  const direction = process.argv[2] ?? "up";
  await dataSource.initialize();
  try {
    if (direction === "up") {
      const applied = await dataSource.runMigrations({ transaction: "each" });
      console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(", ")}` : "schema is up to date");
    } else if (direction === "down") {
      await dataSource.undoLastMigration({ transaction: "each" });
      console.log("reverted the last migration");
    } else {
      throw new Error(`usage: npm run migrate [-- up|down]`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
