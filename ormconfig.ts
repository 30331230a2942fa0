import "dotenv/config";
import { createDataSource } from "./src/db/data-source";

/** The one DataSource the gateway, `npm run migrate` and the typeorm CLI share. */
export default createDataSource(process.env.DATABASE_URL || undefined);
