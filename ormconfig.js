"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("dotenv/config");
const data_source_1 = require("./src/db/data-source");
/** The one DataSource the gateway, `npm run migrate` and the typeorm CLI share. */
exports.default = (0, data_source_1.createDataSource)(process.env.DATABASE_URL || undefined);
//# sourceMappingURL=ormconfig.js.map