import type { Theme } from "vitepress";
import DefaultTheme from "vitepress/theme";
import ResultsTables from "./ResultsTables.vue";
import RuleFacts from "./RuleFacts.vue";
import TrainingDemo from "./TrainingDemo.vue";
import "./custom.css";

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component("TrainingDemo", TrainingDemo);
    app.component("RuleFacts", RuleFacts);
    app.component("ResultsTables", ResultsTables);
  },
} satisfies Theme;
