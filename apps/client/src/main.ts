import { createApp } from 'vue';
import App from './App.vue';
import { readClientConfig } from './config';
import './styles.css';

createApp(App, { config: readClientConfig(location.search, import.meta.env.VITE_FRAME_INTERVAL_MS) }).mount('#app');
