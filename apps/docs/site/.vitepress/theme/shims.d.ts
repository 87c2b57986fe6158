// tsc sees .vue files as components; @vitejs/plugin-vue compiles them (templates are not type-checked).
declare module "*.vue" {
  import type { DefineComponent } from "vue";

  const component: DefineComponent;
  export default component;
}
