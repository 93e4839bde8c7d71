/** esp32-devkitc on the real interpreter with its variable count: the scenario in board-scenario.ts. */
import { describeBoard } from "./board-scenario";

describeBoard("esp32-devkitc");
