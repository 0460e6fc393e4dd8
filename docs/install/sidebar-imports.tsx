// packages/app/src/components/Root/Root.tsx
import SecurityIcon from '@material-ui/icons/Security';
