// Data loader for libelles-revue.json: the French label of every code the monthly review shows,
// from the seeds etl/seeds/ref_codes.csv and etl/seeds/review_labels.csv (which the ETL loads for
// the SQL and the API); the loader is in src/site/loaders.ts, its query in src/warehouse/.
import { reviewLabels } from "../../src/site/loaders.ts";
import { runLoader } from "../../src/site/runLoader.ts";

await runLoader(reviewLabels);
