import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { useStore } from './store/index.js';
import { subscribe } from './store/subscriptions.js';
import './styles.css';

subscribe();
const store = useStore.getState();
void store.loadInfo();
void store.loadSettings();
void store.loadJobs();
void store.loadContexts();
void store.loadForwards();
void store.detectTools();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
